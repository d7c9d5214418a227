from services.inspection.models import Base
from shared.migrate import run_env

run_env(Base.metadata, "inspection")
