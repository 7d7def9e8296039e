# Turns a text file into a C++ translation unit defining
#   extern const std::string_view SYMBOL;
# Usage: cmake -DINPUT=... -DSYMBOL=... -DOUTPUT=... -P embed_file.cmake
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n"
  "namespace hafnium::generated {\nstatic const char kData[] = {${bytes} 0};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(kData, ${byte_count});\n}\n")
