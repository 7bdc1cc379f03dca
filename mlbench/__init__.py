"""A notebook-first workbench to train, evaluate, compare and report on production ML models"""
__version__ = "0.5.0"
