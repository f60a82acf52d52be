# `cmake --install` and the Debian package (scripts/package.sh, CPack): the binary, the system
# configuration and its examples, the migrations (also embedded in the binary; shipped for
# reference), the systemd unit and the documentation. With the prefix /usr (the package), the
# configuration goes to /etc/hsoauth and the unit to /lib/systemd/system; with another prefix,
# both stay under it.
include(GNUInstallDirs)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(HSOAUTH_CONF_DIR /etc/hsoauth)
  set(HSOAUTH_UNIT_DIR /lib/systemd/system)
else()
  set(HSOAUTH_CONF_DIR ${CMAKE_INSTALL_SYSCONFDIR}/hsoauth)
  set(HSOAUTH_UNIT_DIR lib/systemd/system)
endif()

install(TARGETS hsoauth RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES conf/hsoauth-system.json DESTINATION ${HSOAUTH_CONF_DIR} RENAME hsoauth.json)
install(FILES conf/hsoauth.json conf/seed.json conf/hsoauth.env.example conf/hsoauth-system.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(DIRECTORY migrations/ DESTINATION ${CMAKE_INSTALL_DATADIR}/hsoauth/migrations FILES_MATCHING PATTERN "*.sql")
install(FILES conf/hsoauth.service DESTINATION ${HSOAUTH_UNIT_DIR})
install(FILES README.md docs/operations.md docs/admin-cli.md conf/packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian wants the changelog compressed at the highest level and without a time stamp.
execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/conf/packaging/changelog
                OUTPUT_FILE ${CMAKE_BINARY_DIR}/changelog.gz RESULT_VARIABLE gzip_result)
if(gzip_result EQUAL 0)
  install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hsoauth)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "hsoauth developers <maintainers@hsoauth.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local HubSpot OAuth token authority for integration tests")
set(CPACK_PACKAGE_DESCRIPTION "hsoauth stands in for HubSpot's OAuth service while integrations are\n built and tested: apps, accounts and users seeded from a file, the whole\n authorization-code flow, refresh, expiry on a movable clock, revocation,\n and HubSpot's error bodies, over HTTP or HTTPS, with Prometheus metrics.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/conf/packaging/conffiles)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
include(CPack)
