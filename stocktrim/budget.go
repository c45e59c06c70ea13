package stocktrim

import "github.com/failsafe-go/failsafe-go/budget"

// The default retry budget's parameters, spelled out rather than taken
// from budget.New, so that an upgrade of failsafe-go cannot change them
// unseen: retries may be at most 20% of the calls and retries in flight,
// and at least 3 at a time. Under a total outage this gives 6 attempts to
// a lone caller, about 2.9 per call to 8 concurrent callers and about 1.5
// to 64 (see WithRetryBudget); TestStackRetryBudget checks each count.
const (
	budgetMaxRate        = 0.2
	budgetMinConcurrency = 3
)

// retryBudget returns the budget given with WithRetryBudget, nil for
// none, or else a new default budget for this stack.
func (c *config) retryBudget() budget.Budget {
	if c.budgetSet {
		return c.budget
	}
	return budget.NewBuilder().WithMaxRate(budgetMaxRate).WithMinConcurrency(budgetMinConcurrency).Build()
}
