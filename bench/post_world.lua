-- wrk script: POST /v1/worlds with a seeded small world and the demo key.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer demo-key-123"
wrk.body = '{"seed": 42, "genre": "fantasy", "tone": "heroic", "size": "medium"}'
