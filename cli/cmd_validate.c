#include "cli/cli.h"
void pa_cmd_validate_usage(FILE *out) { fputs("usage: passerelle validate PACKAGE.zip|DIR [--strict]\n", out); }
int pa_cmd_validate(int argc, char **argv) { (void)argc; (void)argv; fputs("passerelle: validate is not built yet\n", stderr); return PA_EXIT_PROBLEMS; }
