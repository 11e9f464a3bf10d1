/* Linked into the foreign library only to give it DT_NEEDED
 * libbronze-genuine.so; at run time the real library stands under that name. */
void bronze_genuine_stub(void) {}
