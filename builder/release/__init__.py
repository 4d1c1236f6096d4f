"""Release: the previous release (for stable splits and the changelog), the changelog, the push
plan and its execution against the Hub, and the checks a folder passes before it is sent."""
