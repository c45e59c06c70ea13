package stocktrim

import "github.com/failsafe-go/failsafe-go/budget"

// The default retry budget's parameters, spelled out rather than taken
// from budget.New, so that an upgrade of failsafe-go cannot change them
// unseen: retries may be at most 20% of the calls and retries in flight,
// and at least 8 at a time. Under a total outage this gives 6 attempts to
// a lone caller and to each of 8 concurrent callers, and about 1.8 per call
// to 64 (see WithRetryBudget); TestStackRetryBudget checks each count.
//
// failsafe-go's default minimum is 3. Since retry holds a permit through
// its wait as well as its attempt, 3 would end the calls of all but 3 of 8
// workers at the first failure of a blip that meets them all at once (186
// of benchmark figure 3's 200 calls ended on a 503 with it); 8 lets a
// small pool of workers ride out a blip, and still bounds a storm.
const (
	budgetMaxRate        = 0.2
	budgetMinConcurrency = 8
)

// retryBudget returns the budget given with WithRetryBudget, nil for
// none, or else a new default budget for this stack.
func (c *config) retryBudget() budget.Budget {
	if c.budgetSet {
		return c.budget
	}
	return budget.NewBuilder().WithMaxRate(budgetMaxRate).WithMinConcurrency(budgetMinConcurrency).Build()
}
