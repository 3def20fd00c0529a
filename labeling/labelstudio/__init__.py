"""Round-trip suspect rows to Label Studio and bring the reviews back.

* :mod:`.settings` — URL and token resolution, the 0600 token file, :class:`Secret`.
* :mod:`.server` — the embedded loopback server (start, status, stop).
* :mod:`.client` — connecting with label-studio-sdk 2.x, error translation.
* :mod:`.push` — ``push_suspects(...) -> PushResult``.
* :mod:`.pull` — ``pull_reviews(...) -> Changeset``.
* :mod:`.webhook` — ``ReviewWatcher``: re-pull on each annotation (loopback webhook, optional).
"""

from dataqa.labeling.labelstudio.changeset import Changeset, read_changeset
from dataqa.labeling.labelstudio.pull import pull_reviews
from dataqa.labeling.labelstudio.push import PushResult, push_suspects
from dataqa.labeling.labelstudio.server import EmbeddedServer, ServerStatus
from dataqa.labeling.labelstudio.settings import Connection, Secret, resolve_connection, server_paths
from dataqa.labeling.labelstudio.suspects import Suspects, read_suspects
from dataqa.labeling.labelstudio.webhook import ReviewWatcher

__all__ = [
    "Changeset",
    "Connection",
    "EmbeddedServer",
    "PushResult",
    "ReviewWatcher",
    "Secret",
    "ServerStatus",
    "Suspects",
    "pull_reviews",
    "push_suspects",
    "read_changeset",
    "read_suspects",
    "resolve_connection",
    "server_paths",
]
