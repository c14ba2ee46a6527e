"""The web kernel every HTTP channel uses: typed app keys, route registration with metrics
and error answers (routing.py), problem documents, request bodies, the ops routes
(/healthz, /metrics), the queue's JSON shape and the public short links. Channels import
this and the core; no channel imports another (civicline/api/ is the JSON channel)."""
