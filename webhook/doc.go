// Package webhook signs and delivers outbound webhooks under Standard Webhooks 1.0
// and keeps those deliveries from being turned against Troupe's own network.
//
// Signing: every delivery carries webhook-id (stable across retries, the
// receiver's dedupe key), webhook-timestamp (unix seconds of this attempt) and
// webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>"), keyed by
// the base64-decoded part of a "whsec_" secret. See [Sign] and [Headers].
//
// SSRF: webhook URLs are chosen by API callers, so the server must never be
// talked into POSTing to loopback, private networks or cloud metadata
// endpoints. [Guard.CheckURL] refuses such URLs when they are submitted, and
// the [http.Client] built by [Client] vets the addresses again at connect time
// and dials the vetted IP itself, so a DNS answer that changes between the
// check and the delivery (DNS rebinding) is refused too. Redirects are never
// followed and no proxy from the environment is used.
//
// Delivery: [Deliver] makes one attempt and classifies the outcome; [Backoff]
// and [MaxAttempts] give the retry schedule. Scheduling, persistence and
// disabling endpoints are the caller's job.
package webhook
