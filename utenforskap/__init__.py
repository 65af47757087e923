from .errors import CodebookError, InputError, UtenforskapError
from .ingest import read_workshop
