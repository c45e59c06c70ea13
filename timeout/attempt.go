package timeout

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// queue holds the live attempts of one transport in deadline order. Every
// attempt gets the same limit, so new attempts go at the tail (a few steps
// back at most, when goroutines race), and one timer, set for the head,
// serves them all. That spares each attempt the runtime timer that
// context.WithTimeout would arm and stop.
type queue struct {
	limit time.Duration

	mu    sync.Mutex
	head  *attempt
	tail  *attempt
	timer *time.Timer // made on first use; runs expire
	when  time.Time   // when the pending timer fires; zero if none is
}

func newQueue(limit time.Duration) *queue {
	return &queue{limit: limit}
}

// start begins an attempt under parent and, unless the parent's own
// deadline comes first, queues its deadline.
func (q *queue) start(parent context.Context) *attempt {
	a := &attempt{parent: parent, q: q, deadline: time.Now().Add(q.limit)}
	if parent.Done() != nil {
		if err := parent.Err(); err != nil {
			a.err = err // born ended: nothing to watch or queue
			return a
		}
		a.mu.Lock() // end, run by a parent that ends now, waits for stop
		a.stop = context.AfterFunc(parent, a.parentEnded)
		a.mu.Unlock()
	}
	if pd, ok := parent.Deadline(); ok && !pd.After(a.deadline) {
		// The parent's deadline comes first: ours can never end the
		// attempt, and the parent's ending reaches it by itself.
		a.deadline = pd
		return a
	}
	q.mu.Lock()
	q.insert(a)
	if q.when.IsZero() || a.deadline.Before(q.when) {
		q.arm(a.deadline)
	}
	q.mu.Unlock()
	return a
}

// insert links a in deadline order. q.mu is held.
func (q *queue) insert(a *attempt) {
	p := q.tail
	for p != nil && p.deadline.After(a.deadline) {
		p = p.prev
	}
	a.prev = p
	if p == nil {
		a.next, q.head = q.head, a
	} else {
		a.next, p.next = p.next, a
	}
	if a.next == nil {
		q.tail = a
	} else {
		a.next.prev = a
	}
}

// unlink takes a out of the queue. q.mu is held.
func (q *queue) unlink(a *attempt) {
	if a.prev == nil {
		q.head = a.next
	} else {
		a.prev.next = a.next
	}
	if a.next == nil {
		q.tail = a.prev
	} else {
		a.next.prev = a.prev
	}
	a.prev, a.next = nil, nil
}

// arm sets the timer for when. q.mu is held.
func (q *queue) arm(when time.Time) {
	d := time.Until(when)
	if q.timer == nil {
		q.timer = time.AfterFunc(d, q.expire)
	} else {
		q.timer.Reset(d)
	}
	q.when = when
}

// remove takes a out of the queue if it is still there.
func (q *queue) remove(a *attempt) {
	q.mu.Lock()
	if a.prev != nil || q.head == a {
		q.unlink(a)
	}
	q.mu.Unlock()
}

// expire runs on the timer: it ends every attempt whose deadline has
// passed and sets the timer for the next one. The timer may fire early,
// for an attempt released since; then it only moves on.
func (q *queue) expire() {
	var fired []*attempt
	q.mu.Lock()
	now := time.Now()
	for q.head != nil && !q.head.deadline.After(now) {
		a := q.head
		q.unlink(a)
		fired = append(fired, a)
	}
	q.when = time.Time{}
	if q.head != nil {
		q.arm(q.head.deadline)
	}
	q.mu.Unlock()
	for _, a := range fired {
		a.fire()
	}
}

// attempt is one attempt's context and, once the response is in, the
// wrapper of its body: one allocation for both. Its context methods are in
// context.go.
type attempt struct {
	parent   context.Context
	q        *queue
	deadline time.Time // the earlier of ours and the parent's

	mu    sync.Mutex
	stop  func() bool   // stops watching a parent that can end; else nil
	done  chan struct{} // made on first Done; closed at the end
	err   error         // set once, at the end
	own   bool          // the attempt's own deadline ended it
	funcs []*afterFunc  // registered by AfterFunc, run once at the end

	prev, next *attempt // guarded by q.mu; in the queue if prev or q.head is a

	rc     io.ReadCloser // the response body, set before it is returned
	closed atomic.Bool
}

// wrap turns err into an *Error when the attempt's own deadline ended it.
func (a *attempt) wrap(err error) error {
	if !a.fired() {
		return err
	}
	return &Error{Limit: a.q.limit, Err: err}
}

// Read reads the body. EOF releases the attempt; an error after the
// deadline fired is an *Error.
func (a *attempt) Read(p []byte) (int, error) {
	n, err := a.rc.Read(p)
	switch {
	case err == io.EOF:
		a.release()
	case err != nil:
		err = a.wrap(err)
	}
	return n, err
}

// Close closes the body once, then releases the attempt. Later calls
// return nil.
func (a *attempt) Close() error {
	if !a.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := a.rc.Close()
	a.release()
	return err
}
