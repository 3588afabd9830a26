"""gongkai: 政府信息公开工作年度报告, from a checked record to a published page."""

__version__ = "0.1.0"
