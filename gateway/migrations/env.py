from gateway.audit.models import AuditBase
from shared.migrate import run_env

run_env(AuditBase.metadata, "gateway")
