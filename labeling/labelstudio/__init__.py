"""Round-trip suspect rows to Label Studio and bring the reviews back.

* :mod:`.settings` — URL and token resolution, the 0600 token file, :class:`Secret`.
* :mod:`.server` — the embedded loopback server (start, status, stop).
* :mod:`.client` — connecting with label-studio-sdk 2.x, error translation.
* :mod:`.push` — ``push_suspects(...) -> PushResult``.
* :mod:`.pull` — ``pull_reviews(...) -> Changeset``.
"""
