"""The recipe contract: `@recipe` and `Recipe` (recipe.py), declared parameters and the core's keys
(params.py), the checks every example passes (checks.py), a recipe as a build runs it (apply.py),
and the registry that finds recipes through entry points or files (registry.py). Plugins use the
public names of `builder`, not these modules."""
