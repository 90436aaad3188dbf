from .money import Invoice, InvoiceDetail, InvoiceNumber  # noqa: F401
from .returns import ReturnRun, WeeklyReturn  # noqa: F401
