// The main() of the link checks (tests/CMakeLists.txt): each darkscan_link_STAGE links every object of
// one stage's library with the stages before it only, so a call from a stage into a later one is an
// undefined reference and the build fails.
int main() { return 0; }
