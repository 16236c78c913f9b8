"""Invoices and credit notes: gapless numbers per series and year, frozen copies of settled
folios, PDFs in the default storage, emailed to the payer.

- models: Invoice (table invoices, bookingId-index), InvoiceCounter (table invoice-counters)
- numbering: the counter step inside the issuing transaction, the race loop
- snapshot (pure): a folio's lines → the invoice's lines, payments, tax per rate, total
- services: invoice_issue, invoice_credit, invoice_draft (pro-forma), invoice_get
- selectors: invoice_dict, booking_invoices
- pdf / documents / emails: render (fpdf2, imported lazily), store, email
"""
