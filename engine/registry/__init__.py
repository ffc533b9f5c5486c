"""Process registry: read process files, validate them for people, deploy versions, serve specs."""

from engine.registry.bundle import Bundle, load_bundle
from engine.registry.deploy import DeployResult, deploy_bundle, list_versions
from engine.registry.specs import LoadedVersion, SpecCache
from engine.registry.validate import ParsedProcess, validate_bundle

__all__ = [
    "Bundle",
    "DeployResult",
    "LoadedVersion",
    "ParsedProcess",
    "SpecCache",
    "deploy_bundle",
    "list_versions",
    "load_bundle",
    "validate_bundle",
]
