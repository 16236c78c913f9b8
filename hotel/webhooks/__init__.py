"""Signed outbound webhooks for integrators: the platform's half.

The machinery knows no domain. Each app says, in its AppConfig.ready(), which of its domain
events becomes which webhook type and how to render the event's object
(`hotel.webhooks.publish.webhook_event_register`); from there this package does the rest:

- models: subscriptions (`webhooks`) and the delivery log (`webhook-deliveries`, TTL 30 days)
- types: the registered webhook types (what a subscription may ask for)
- signing: each subscription's secret (derived, never stored) and the Hotel-Signature header
- subscriptions: create, change, delete, list; disabling a subscription that keeps failing
- publish: a domain event becomes one delivery per subscription (idempotent by event id)
  and its first attempt leaves at once (a background thread locally, inline in the cloud)
- sending: one attempt through hotel.outbound, the retry schedule, replay, the job
- alerts: the managers' email when a subscription is disabled
- erasure: a guest's erasure replaces the bodies of the deliveries about the guest's objects
- api: the managers' REST endpoints (/api/webhooks…)
"""
