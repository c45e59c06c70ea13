package timeout

import (
	"context"
	"slices"
	"time"
)

// The attempt as a context.
//
// The attempt is a context of its own: it ends when its deadline fires,
// with context.DeadlineExceeded; when it is released, with
// context.Canceled; or when the caller's context ends, with that context's
// error. Contexts derived from it are tied to it through its AfterFunc
// method, with no goroutine, and see the same error. The caller's context
// is watched with context.AfterFunc, and only when it can end at all (its
// Done is not nil).

// closedchan is the done channel of an attempt that ended before anyone
// asked for one.
var closedchan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// afterFunc is one function registered with AfterFunc.
type afterFunc struct{ f func() }

// Deadline reports the earlier of the attempt's deadline and the parent's.
func (a *attempt) Deadline() (time.Time, bool) { return a.deadline, true }

// Done returns a channel closed when the attempt ends.
func (a *attempt) Done() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done == nil {
		if a.err != nil {
			return closedchan
		}
		a.done = make(chan struct{})
	}
	return a.done
}

// Err reports why the attempt ended, or nil while it is live:
// context.DeadlineExceeded once its own deadline has ended it, as a
// context made by context.WithTimeout would, and the caller's context's
// error once that has ended it.
func (a *attempt) Err() error {
	a.mu.Lock()
	err, watched := a.err, a.stop != nil
	a.mu.Unlock()
	if err != nil || !watched {
		return err
	}
	// The caller's context may have ended a moment before the goroutine
	// that context.AfterFunc starts has told the attempt; asked now, the
	// attempt ends now.
	if perr := a.parent.Err(); perr != nil {
		a.end(perr, false)
		a.mu.Lock()
		err = a.err
		a.mu.Unlock()
	}
	return err
}

// Value returns the caller's context's value for key.
func (a *attempt) Value(key any) any { return a.parent.Value(key) }

// AfterFunc arranges for f to run when the attempt ends, as
// [context.AfterFunc] does, and is how the context package ties contexts
// derived from the attempt to it. It runs f in the goroutine that ends the
// attempt; the context package's own functions are short. The returned
// stop reports whether it stopped f from running.
func (a *attempt) AfterFunc(f func()) (stop func() bool) {
	af := &afterFunc{f: f}
	a.mu.Lock()
	if a.err != nil {
		a.mu.Unlock()
		go f() // ended already: run at once, as context.AfterFunc does
		return func() bool { return false }
	}
	a.funcs = append(a.funcs, af)
	a.mu.Unlock()
	return func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		i := slices.Index(a.funcs, af)
		if i < 0 {
			return false
		}
		a.funcs = slices.Delete(a.funcs, i, i+1)
		return true
	}
}

// fired reports whether this attempt's own deadline, and not the caller's
// context, ended it.
func (a *attempt) fired() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.own
}

// fire ends the attempt because its deadline has passed.
func (a *attempt) fire() { a.end(context.DeadlineExceeded, true) }

// parentEnded ends the attempt because the caller's context has ended.
func (a *attempt) parentEnded() { a.end(a.parent.Err(), false) }

// release ends the attempt, if it has not ended yet: it leaves the queue,
// and lets go of the parent.
func (a *attempt) release() {
	a.q.remove(a)
	a.end(context.Canceled, false)
}

// end ends the attempt with err, once: it stops watching the caller's
// context, closes the done channel and runs the AfterFunc functions. own
// says that the attempt's own deadline ended it. As in a cancelCtx, Err and
// the done channel change together, under the lock, and the functions that
// end derived contexts run after.
func (a *attempt) end(err error, own bool) {
	a.mu.Lock()
	if a.err != nil {
		a.mu.Unlock()
		return
	}
	a.err, a.own = err, own
	if a.done != nil {
		close(a.done)
	}
	funcs, stop := a.funcs, a.stop
	a.funcs = nil
	a.mu.Unlock()
	if stop != nil {
		stop() // false when the caller's context ended it; harmless
	}
	for _, af := range funcs {
		af.f()
	}
}
