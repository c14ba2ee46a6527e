"""Standard import/export formats: case event spreadsheets and service guide files."""

from civicline.ingest.case_files import CASE_SUFFIXES, CaseFileReader, read_case_events
from civicline.ingest.export import ExportError, case_events, export_cases, export_guides
from civicline.ingest.guide_files import GUIDE_SUFFIXES, read_guides
from civicline.ingest.report import ImportProblem, Location

__all__ = [
    "CASE_SUFFIXES",
    "GUIDE_SUFFIXES",
    "CaseFileReader",
    "ExportError",
    "ImportProblem",
    "Location",
    "case_events",
    "export_cases",
    "export_guides",
    "read_case_events",
    "read_guides",
]
