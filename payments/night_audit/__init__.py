"""The night audit: close a business day and write its daily report.

- services.night_audit_run: sync the bills of the day's stays, turn the day's arrivals that
  never came into no-shows (their fee lands on the bill), close the day in one conditional
  transaction (no posting lands in it afterwards), then compute and store the report;
- report: the daily report, pure, from the day's lines (the accountDate index) and counts;
- selectors: the day's stays (status index Queries), the stored days and reports;
- export: the accountant's CSV of lines per day with account codes per category.
"""
