"""Access control and abuse limits: API tokens, rate limits, CORS, security headers and
the audit log of destructive and security-relevant actions."""
