package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// TestMain runs the tests without the developer's STOCKTRIM_* variables,
// which choose between the demo and the real API, and sets them back after.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(testutil.WithoutEnv(m, testutil.StocktrimEnvPrefix))
}

// extraTimeouts returns how many of the demo's retries were for an attempt
// timeout beyond the one the stalled call 3 causes: on a loaded machine a
// healthy attempt may, rarely, outlast the demo's 500 ms limit, and each
// such attempt adds one request and one retry to the counts. The dropped
// connection is the only other retry with an error.
func extraTimeouts(log string) int {
	n := 0
	for line := range strings.Lines(log) {
		if strings.Contains(line, "retrying request") && strings.Contains(line, "error=") && !strings.Contains(line, "connection reset by peer") {
			n++
		}
	}
	return max(n-1, 0)
}

func TestRunDemo(t *testing.T) {
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &stdout, &stderr), "log:\n%s", stderr.String())

	out := stdout.String()
	for _, want := range []string{"CODE", "WIDGET-001", "WIDGET-002", "GADGET-100", "Small widget"} {
		assert.Contains(t, out, want)
	}
	log := stderr.String()
	for _, want := range []string{
		"fake StockTrim API",
		"connection reset by peer", // the dropped connection
		"status=503",               // twice
		"status=429",               // with Retry-After: 1
		"delay=1s ",                // waited exactly
		"timeout",                  // the stalled response
		"retrying request",
		`gets "201 Created"`, // the upsert, retried
		"POST /api/SalesOrders",
		`gets "503 Service Unavailable" after one attempt`, // a create is not retried
		"over a slow link",
		"gets 4 products in one attempt of", // with the upserted one
	} {
		assert.Contains(t, log, want)
	}
	// Drop, 503, 503, 429, stall, the upsert's 503: six retries and twelve
	// requests, plus one of each for any healthy attempt that timed out.
	extra := extraTimeouts(log)
	assert.Contains(t, log, fmt.Sprintf("Done: %d requests reached the server for 6 calls", 12+extra))
	assert.Equal(t, 6+extra, strings.Count(log, "retrying request"), "log:\n%s", log)
	assert.NotContains(t, log, stocktrimtest.DefaultSignature)
	assert.NotContains(t, log, "\x1b[", "no colour when stderr is not a terminal")
}

func TestRunDemoFakeDebugAndCode(t *testing.T) {
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	// -fake runs the demo even with credentials set.
	t.Setenv(stocktrim.EnvAuthID, "unused-id")
	t.Setenv(stocktrim.EnvSignature, "unused-signature")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-fake", "-debug", "-code", "GADGET-100"}, &stdout, &stderr), "log:\n%s", stderr.String())
	assert.Contains(t, stderr.String(), "fake StockTrim API")
	assert.Contains(t, stdout.String(), "GADGET-100")
	assert.NotContains(t, stdout.String(), "WIDGET-001")
	log := stderr.String()
	assert.Contains(t, log, "request_headers")
	assert.Contains(t, log, "REDACTED")
	assert.NotContains(t, log, stocktrimtest.DefaultSignature)
	assert.NotContains(t, log, stocktrimtest.DefaultAuthID)
}

func TestRunRealAPI(t *testing.T) {
	// The real mode, pointed at a fake server through the environment.
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	srv := stocktrimtest.NewServer(stocktrimtest.WithCredentials("real-id", "real-signature"))
	defer srv.Close()
	t.Setenv(stocktrim.EnvAuthID, "real-id")
	t.Setenv(stocktrim.EnvSignature, "real-signature")
	t.Setenv(stocktrim.EnvBaseURL, srv.URL+"/")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-code", "WIDGET-002"}, &stdout, &stderr), "log:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "WIDGET-002")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/Products", reqs[0].Path)
	assert.Equal(t, "WIDGET-002", reqs[0].Query.Get("code"))
	assert.Equal(t, "real-signature", reqs[0].Header.Get("api-auth-signature"))
	assert.NotContains(t, stderr.String(), "real-signature")
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		wantIs  error
	}{
		{name: "one credential", env: map[string]string{stocktrim.EnvAuthID: "only-id"}, wantIs: stocktrim.ErrMissingCredentials, wantErr: stocktrim.EnvSignature},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flag provided but not defined"},
		{name: "extra argument", args: []string{"products"}, wantErr: "unexpected arguments: products"},
		{name: "help", args: []string{"-h"}, wantIs: flag.ErrHelp, wantErr: flag.ErrHelp.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			require.NotEmpty(t, tt.wantErr, "every case names a text of its error")
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			if tt.wantIs != nil {
				assert.True(t, errors.Is(err, tt.wantIs), "got %v; want %v", err, tt.wantIs)
			}
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestHelpDocumentsFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &stdout, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, want := range []string{"-debug", "-fake", "-code", stocktrim.EnvAuthID, stocktrim.EnvSignature, "go run ./examples/stocktrim"} {
		assert.Contains(t, stderr.String(), want)
	}
}

func TestExtraTimeouts(t *testing.T) {
	const (
		drop  = `WRN retrying request error="read tcp: read: connection reset by peer" attempt=1` + "\n"
		stall = `WRN retrying request error="timeout: attempt exceeded its 500ms deadline" attempt=1` + "\n"
		s503  = `WRN retrying request attempt=2 status=503` + "\n"
		other = `ERR http request error="context deadline exceeded" attempt=1` + "\n"
	)
	tests := []struct {
		give string
		want int
	}{
		{give: drop + s503 + s503 + stall + other, want: 0},
		{give: drop + stall + s503 + stall + other, want: 1},
		{give: stall + stall + stall, want: 2},
		{give: "", want: 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, extraTimeouts(tt.give), "log:\n%s", tt.give)
	}
}
