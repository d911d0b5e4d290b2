package domain

// UsageService meters use and reports it (skeleton; its owner fills it).
type UsageService struct {
	Store UsageStore
}
