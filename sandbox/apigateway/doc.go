// Package apigateway simulates Amazon API Gateway v2 (HTTP APIs):
// APIs, integrations, routes and stages. Requests are answered by package
// frontdoor.
package apigateway
