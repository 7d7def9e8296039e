#pragma once

#include <functional>
#include <memory>
#include <soci/soci.h>
#include <string>

#include "platform/events/bus.h"
#include "platform/events/envelope.h"
#include "platform/store/database.h"

namespace hafnium::events {

using EnvelopeHandler = std::function<void(soci::session& sql, const Envelope& envelope)>;

// Makes a consumer idempotent: the handler runs in one transaction with the
// insert of (group, event id) into processed_events; an event already
// recorded for the group is skipped. Redelivery (at least once) therefore
// changes nothing twice.
MessageHandler idempotent_consumer(std::shared_ptr<store::Database> db, std::string group,
                                   EnvelopeHandler handler);

}  // namespace hafnium::events
