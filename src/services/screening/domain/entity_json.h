#pragma once

#include <boost/json/value.hpp>

#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

// How an entity is stored (one JSON document per entity and list version)
// and shown in the API.
boost::json::value entity_to_json(const WatchlistEntity& entity);
// Throws std::invalid_argument on a document this code did not write.
WatchlistEntity entity_from_json(const boost::json::value& value);

std::string kind_name(EntityKind kind);
EntityKind kind_from_name(std::string_view name);  // kUnknown for anything else

}  // namespace hafnium::services::screening
