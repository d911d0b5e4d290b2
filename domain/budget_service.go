package domain

// BudgetService keeps spend caps (skeleton).
type BudgetService struct{}
