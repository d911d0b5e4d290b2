package domain

// EndpointService manages webhook endpoints and events (skeleton; its owner fills it).
type EndpointService struct{}
