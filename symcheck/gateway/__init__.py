"""The gateway: channels, the message pipeline, the web chat and the clinician dashboard.

Build it with :func:`symcheck.gateway.app.create_app`; nothing is built at import.
"""
