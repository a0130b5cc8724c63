# Helpers that give every Parcours target the same standard, warnings and include root.

add_library(parcours_warnings INTERFACE)
add_library(parcours::warnings ALIAS parcours_warnings)
target_compile_options(parcours_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${PARCOURS_WERROR}>:-Werror>)

if(PARCOURS_SANITIZE)
  add_compile_options(-fsanitize=${PARCOURS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PARCOURS_SANITIZE})
endif()

# parcours_add_library(name SRCS ... DEPS ...): makes parcours_<name>, alias parcours::<name>.
function(parcours_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(parcours_${name} STATIC ${ARG_SRCS})
  add_library(parcours::${name} ALIAS parcours_${name})
  target_compile_features(parcours_${name} PUBLIC cxx_std_20)
  target_include_directories(parcours_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(parcours_${name} PUBLIC ${ARG_DEPS} PRIVATE parcours::warnings ${ARG_PRIVATE_DEPS})
endfunction()

# parcours_add_test(name SRCS ... DEPS ... [LABELS ...]): a GoogleTest program registered with CTest.
function(parcours_add_test name)
  if(NOT PARCOURS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} parcours::warnings GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    PARCOURS_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PARCOURS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
