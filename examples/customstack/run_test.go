package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRun(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &stdout, &stderr), "log:\n%s", stderr.String())
	want := `call 1 (API up): 2 orders; 1 request(s) reached the API
call 2 (API down: retries until the breaker opens): error "retry: giving up after 3 attempts: circuit breaker open"; 3 request(s) reached the API
call 3 (breaker open: the API is spared): error "retry: no attempt sent: circuit breaker open"; 0 request(s) reached the API
call 4 (API back: the probe succeeds, the breaker closes): 2 orders; 1 request(s) reached the API
breaker closed
`
	assert.Equal(t, want, stdout.String())
	log := stderr.String()
	// Two retries; no third once the breaker is open: it fails fast.
	assert.Equal(t, 2, strings.Count(log, "retrying request"), "log:\n%s", log)
	for _, want := range []string{"from=closed to=open", "from=open to=half-open", "from=half-open to=closed", "status=500"} {
		assert.Contains(t, log, want)
	}
	assert.NotContains(t, log, token)
}

func TestRunDebugRedactsToken(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"-debug"}, &stdout, &stderr))
	log := stderr.String()
	assert.Contains(t, log, "request_headers")
	assert.Contains(t, log, "REDACTED")
	assert.NotContains(t, log, token)
}

func TestRunHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.ErrorIs(t, run(t.Context(), []string{"-h"}, &stdout, &stderr), flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-debug")
}
