#pragma once

#include <memory>

#include "platform/http/router.h"
#include "platform/runtime/runtime.h"
#include "services/monitoring/evaluation_gate.h"
#include "services/monitoring/ingestion.h"

namespace hafnium::services::monitoring {

//   POST /api/v1/transactions         one transaction (201 created, 200 resend, 409 id reused)
//   POST /api/v1/transactions:batch   up to 10,000: a JSON array or NDJSON; a result per item
// Both pass the gate (503 while the detector stays behind) before storing.
void register_transaction_routes(http::Router& router, runtime::Runtime& runtime,
                                 std::shared_ptr<Ingestion> ingestion, std::shared_ptr<EvaluationGate> gate);

inline constexpr size_t kMaxTransactionBatch = 10'000;

}  // namespace hafnium::services::monitoring
