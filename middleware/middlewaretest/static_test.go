package middlewaretest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func TestStatic(t *testing.T) {
	tests := []struct {
		name       string
		give       middlewaretest.Static
		wantStatus int
		wantBody   string
		wantHeader string
	}{
		{name: "zero value", wantStatus: http.StatusOK},
		{name: "status and body", give: middlewaretest.Static{Status: 503, Body: "busy"}, wantStatus: 503, wantBody: "busy"},
		{name: "header", give: middlewaretest.Static{Header: http.Header{"X-A": {"1"}}}, wantStatus: http.StatusOK, wantHeader: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)
			for range 2 { // every response is fresh
				resp, err := tt.give.RoundTrip(req)
				require.NoError(t, err)
				assert.Equal(t, tt.wantStatus, resp.StatusCode)
				assert.Same(t, req, resp.Request)
				assert.NotNil(t, resp.Header)
				assert.Equal(t, tt.wantHeader, resp.Header.Get("X-A"))
				assert.EqualValues(t, len(tt.wantBody), resp.ContentLength)
				got, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Equal(t, tt.wantBody, string(got))
				require.NoError(t, resp.Body.Close())
			}
		})
	}
}

func BenchmarkStatic(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	if err != nil {
		b.Fatal(err)
	}
	middlewaretest.Benchmark(b, middlewaretest.Static{Body: "ok"}, req)
}
