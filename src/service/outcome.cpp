#include "hsoauth/service/outcome.hpp"

#include "hsoauth/storage/errors.hpp"

namespace hsoauth::service {

failure_report describe(const failure& f) {
    failure_report report{false, "unknown exception"};
    try {
        std::rethrow_exception(f.cause);
    } catch (const storage::storage_error& e) {
        report.transient = e.unavailable();
        report.cause = e.what();
    } catch (const std::exception& e) {
        report.cause = e.what();
    } catch (...) {
    }
    return report;
}

}  // namespace hsoauth::service
