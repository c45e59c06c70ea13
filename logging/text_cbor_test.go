//go:build binary_log

package logging_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// TestURLIsTextUnderCBOR checks that, built with zerolog's binary_log tag,
// the url field is a CBOR text string, as the other string fields are, and
// not a byte string. CI runs it with -tags binary_log.
func TestURLIsTextUnderCBOR(t *testing.T) {
	var out bytes.Buffer
	rt := logging.New(zerolog.New(&out))(middlewaretest.Static{Body: "ok"})
	const url = "http://example.test/api/Products?code=A1"
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	const textString = 3 << 5 // CBOR major type 3
	key := []byte{textString | 3, 'u', 'r', 'l'}
	i := bytes.Index(out.Bytes(), key)
	require.GreaterOrEqual(t, i, 0, "no url key in % x", out.Bytes())
	value := out.Bytes()[i+len(key):]
	require.NotEmpty(t, value)
	assert.Equal(t, byte(textString), value[0]&0xe0, "url is of CBOR major type %d; want 3 (text)", value[0]>>5)
	assert.Contains(t, string(value), url)
}
