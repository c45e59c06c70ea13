package timeout

import (
	"context"
	"slices"
	"time"
)

// The attempt as a context.
//
// Under a caller's context that can end, the attempt delegates to inner, a
// context.WithCancelCause child of it: when the deadline fires, inner's
// cause is the transport's *firedError, contexts derived from the attempt
// see context.Canceled with that cause, and the attempt's own Err reports
// context.DeadlineExceeded.
//
// Under a caller's context that never ends (its Done is nil, as for
// context.Background), the attempt is a context of its own, which spares
// the cancelCtx and the cancel func: when the deadline fires, its Err and
// its cause are context.DeadlineExceeded, and contexts derived from it
// (which the context package ties to it through AfterFunc, with no
// goroutine) see the same. Released, it reports context.Canceled.

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
	if a.inner != nil {
		return a.inner.Done()
	}
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
// context made by context.WithTimeout would.
func (a *attempt) Err() error {
	if a.inner == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.err
	}
	err := a.inner.Err()
	if err != nil && a.fired() {
		return context.DeadlineExceeded
	}
	return err
}

// Value returns the caller's context's value for key.
func (a *attempt) Value(key any) any {
	if a.inner != nil {
		return a.inner.Value(key)
	}
	return a.parent.Value(key)
}

// AfterFunc arranges for f to run when the attempt ends, as
// [context.AfterFunc] does, and is how the context package ties contexts
// derived from an attempt of its own to it. It runs f in the goroutine that
// ends the attempt; the context package's own functions are short. The
// returned stop reports whether it stopped f from running.
func (a *attempt) AfterFunc(f func()) (stop func() bool) {
	if a.inner != nil {
		return context.AfterFunc(a.inner, f)
	}
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
	if a.inner == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.err == context.DeadlineExceeded
	}
	return context.Cause(a.inner) == a.q.cause
}

// fire ends the attempt because its deadline has passed.
func (a *attempt) fire() {
	if a.inner != nil {
		a.cancel(a.q.cause)
		return
	}
	a.end(context.DeadlineExceeded)
}

// release ends the attempt, if it has not ended yet: it leaves the queue,
// and lets go of the parent.
func (a *attempt) release() {
	a.q.remove(a)
	if a.inner != nil {
		a.cancel(nil)
		return
	}
	a.end(context.Canceled)
}

// end ends an attempt of its own with err, once: it closes the done
// channel and runs the AfterFunc functions.
func (a *attempt) end(err error) {
	a.mu.Lock()
	if a.err != nil {
		a.mu.Unlock()
		return
	}
	a.err = err
	if a.done != nil {
		close(a.done)
	}
	funcs := a.funcs
	a.funcs = nil
	a.mu.Unlock()
	for _, af := range funcs {
		af.f()
	}
}
