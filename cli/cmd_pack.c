#include "cli/cli.h"
void pa_cmd_pack_usage(FILE *out) { fputs("usage: passerelle pack COURSE_DIR --format scorm12|scorm2004 [-o FILE]\n", out); }
int pa_cmd_pack(int argc, char **argv) { (void)argc; (void)argv; fputs("passerelle: pack is not built yet\n", stderr); return PA_EXIT_PROBLEMS; }
