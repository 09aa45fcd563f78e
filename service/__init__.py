"""StepGRPO reward service: the R1-VL StepRAR + StepRVR rewards behind HTTP."""
