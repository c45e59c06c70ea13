//go:build !binary_log

package logging

import "github.com/rs/zerolog"

// textBytes adds b, which is text, under key. In JSON, Bytes writes it as
// a string with no copy.
func textBytes(e *zerolog.Event, key string, b []byte) *zerolog.Event {
	return e.Bytes(key, b)
}
