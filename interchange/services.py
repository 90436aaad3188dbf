"""Writes of the bundle's own rows: queueing an uploaded bundle for the worker, and running it."""

from __future__ import annotations

import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from commissioning.models import ApiToken, User
from commissioning.tenancy import organisation_of

from .importer import BundleInvalid, import_bundle
from .models import BundleImport

# How often the worker writes an import's progress while it runs (a client polls it).
PROGRESS_EVERY_SECONDS = 1.0


@transaction.atomic
def bundle_import_request(*, upload, actor) -> BundleImport:
    """Queue the import of an uploaded bundle (a file on disk) by the worker, which starts after
    commit; the client polls the job (api.BundleImportStatusApi). The actor must be a provider's user
    or token: what it may import is checked when the worker imports, as for any import."""
    org = organisation_of(actor)
    if org is None or not org.is_provider:
        raise PermissionError("only a provider may import a bundle")
    job = BundleImport(
        provider=org,
        requested_by=actor if isinstance(actor, User) else None,
        token=actor if isinstance(actor, ApiToken) else None,
        size=upload.size,
    )
    job.upload.save(f"{uuid.uuid4().hex}.json", upload, save=False)
    job.full_clean()
    job.save()
    from interchange.tasks import import_uploaded_bundle

    transaction.on_commit(lambda: import_uploaded_bundle.delay(job.pk))
    return job


def _update(import_id: int, **fields) -> None:
    BundleImport.objects.filter(pk=import_id).update(**fields)


class _Progress:
    """Writes a running import's progress on a connection of its own, outside the import's
    transaction (which commits only at the end), at most once per PROGRESS_EVERY_SECONDS."""

    def __init__(self, import_id: int):
        self.import_id = import_id
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)
        self.last = 0.0

    def __call__(self, percent: int, message: str) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        try:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "UPDATE interchange_bundleimport SET progress = %s, message = %s, updated = now() WHERE id = %s",
                    [percent, message, self.import_id],
                )
        except DatabaseError:
            pass  # progress is for the client's eyes: the import goes on without it

    def close(self) -> None:
        self.conn.close()


def bundle_import_run(*, import_id: int) -> str | None:
    """The worker's import of a queued upload: all or nothing, like every import; the job ends done
    with the counts or failed with every error. The uploaded file is deleted either way. Returns
    the job's status (None when there is no such job)."""
    job = BundleImport.objects.select_related("token", "requested_by").filter(pk=import_id).first()
    if job is None:
        return None
    if job.status in (BundleImport.Status.DONE, BundleImport.Status.FAILED):
        return job.status  # delivered twice: the work is done
    actor = job.token or job.requested_by
    if actor is None or (job.token_id and job.token.revoked) or not job.upload:
        _finish(job, BundleImport.Status.FAILED, errors=[{"path": "", "message": "the upload's token or user is gone"}])
        return BundleImport.Status.FAILED
    _update(job.pk, status=BundleImport.Status.RUNNING, progress=0, message="Starting")
    progress = _Progress(job.pk)
    try:
        with job.upload.open("rb") as fp:
            counts = import_bundle(fp, actor=actor, progress=progress)
    except BundleInvalid as exc:
        _finish(job, BundleImport.Status.FAILED, errors=exc.errors)
    except PermissionError as exc:
        _finish(job, BundleImport.Status.FAILED, errors=[{"path": "", "message": str(exc)}])
    except FileNotFoundError:
        message = "the uploaded file is not where the worker reads it (do the web server and the worker share media?)"
        _finish(job, BundleImport.Status.FAILED, errors=[{"path": "", "message": message}])
    except SoftTimeLimitExceeded:
        message = "the import took longer than the worker allows: send it in smaller bundles"
        _finish(job, BundleImport.Status.FAILED, errors=[{"path": "", "message": message}])
    else:
        _finish(job, BundleImport.Status.DONE, counts=counts)
    finally:
        progress.close()
    return BundleImport.objects.get(pk=job.pk).status


def _finish(job: BundleImport, status: str, *, counts=None, errors=None) -> None:
    if status == BundleImport.Status.DONE:
        message = "Imported"
    else:
        message = f"{len(errors)} error(s): nothing was written"
    job.upload.delete(save=False)  # people's data: not kept once imported or refused
    _update(job.pk, status=status, progress=100, message=message, counts=counts, errors=errors, upload="")
