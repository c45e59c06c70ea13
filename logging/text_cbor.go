//go:build binary_log

package logging

import "github.com/rs/zerolog"

// textBytes adds b, which is text, under key. zerolog's binary_log build
// writes Bytes as a CBOR byte string, so text goes through Str to stay a
// text string.
func textBytes(e *zerolog.Event, key string, b []byte) *zerolog.Event {
	return e.Str(key, string(b))
}
