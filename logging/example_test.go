package logging_test

import (
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func ExampleNew() {
	// A human-readable console log. The timestamp and the duration are
	// left out only to make this example's output stable.
	out := zerolog.ConsoleWriter{
		Out:           os.Stdout,
		NoColor:       true,
		PartsExclude:  []string{zerolog.TimestampFieldName},
		FieldsExclude: []string{"duration_ms"},
	}
	// zerolog.New starts at trace level, which would add the debug fields.
	logger := zerolog.New(out).Level(zerolog.InfoLevel).With().Timestamp().Logger()

	// A scripted base instead of the network.
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusOK, Body: `{"items":[]}`},
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "busy"},
	)
	client := &http.Client{Transport: logging.New(logger)(base)}

	for range 2 {
		resp, err := client.Get("https://user:pass@api.example.test/v1/items?page=2&api_key=s3cret")
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close() // the event is written at EOF or close
	}
	// Output:
	// INF http request method=GET status=200 url=https://REDACTED@api.example.test/v1/items?page=2&api_key=REDACTED
	// ERR http request method=GET status=503 url=https://REDACTED@api.example.test/v1/items?page=2&api_key=REDACTED
}

func ExampleNew_debug() {
	out := zerolog.ConsoleWriter{
		Out:           os.Stdout,
		NoColor:       true,
		PartsExclude:  []string{zerolog.TimestampFieldName},
		FieldsExclude: []string{"duration_ms"},
	}
	// At debug level, the same event carries headers and body excerpts.
	logger := zerolog.New(out).Level(zerolog.DebugLevel)
	base := middlewaretest.NewTransport(middlewaretest.Reply{
		Status: http.StatusOK,
		Header: http.Header{"Set-Cookie": {"session=abc"}},
		Body:   "a long response body",
	})
	client := &http.Client{Transport: logging.New(logger, logging.WithBodyLimit(6))(base)}

	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/v1/items", nil)
	req.Header.Set("Api-Auth-Id", "my-id")
	resp, err := client.Do(req)
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// Output:
	// INF http request method=GET request_headers={"Api-Auth-Id":"REDACTED"} response_body="a long" response_headers={"Set-Cookie":"REDACTED"} status=200 url=https://api.example.test/v1/items
}

func ExampleNewSlog() {
	// A slog text log. The time and the duration are left out only to
	// make this example's output stable.
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration_ms" {
				return slog.Attr{}
			}
			return a
		},
	})
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusOK, Body: `{"items":[]}`},
		middlewaretest.Reply{Status: http.StatusNotFound, Body: "no such item"},
	)
	client := &http.Client{Transport: logging.NewSlog(slog.New(h))(base)}

	for _, path := range []string{"/v1/items?token=s3cret", "/v1/items/7"} {
		resp, err := client.Get("https://api.example.test" + path)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close() // the event is written at EOF or close
	}
	// Output:
	// level=INFO msg="http request" method=GET url="https://api.example.test/v1/items?token=REDACTED" status=200
	// level=WARN msg="http request" method=GET url=https://api.example.test/v1/items/7 status=404
}
