"""Everything the routes need, built once by the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.templating import Jinja2Templates

from connectors.base import ChannelRegistry
from symcheck.gateway.copy import PatientCopy
from symcheck.gateway.database import Database
from symcheck.gateway.events import Notifier
from symcheck.gateway.options import GatewayOptions
from symcheck.gateway.services.auth import AuthService
from symcheck.gateway.services.cases import CaseService
from symcheck.gateway.services.inbound import InboundWorker
from symcheck.gateway.services.outbox import OutboxWorker
from symcheck.gateway.services.pipeline import MessagePipeline
from symcheck.gateway.services.replies import Delivery
from symcheck.settings import Settings


@dataclass(frozen=True)
class Gateway:
    settings: Settings
    options: GatewayOptions
    db: Database
    notifier: Notifier
    channels: ChannelRegistry
    pipeline: MessagePipeline
    cases: CaseService
    auth: AuthService
    copy: PatientCopy
    templates: Jinja2Templates
    delivery: Delivery
    inbound: InboundWorker
    outbox: OutboxWorker
