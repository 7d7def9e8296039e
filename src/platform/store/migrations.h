#pragma once

#include <string>
#include <vector>

#include "platform/store/database.h"

namespace hafnium::store {

// One versioned schema change of one target, in both dialects. Statements
// are listed one by one because SQLite prepares a single statement at a time
// (and trigger bodies contain semicolons).
struct Migration {
  int version;
  std::string name;
  std::vector<std::string> sqlite;
  std::vector<std::string> postgres;
};

struct AppliedMigration {
  std::string target;
  int version;
  std::string name;
};

// Applies the pending migrations of `target`, each in its own transaction,
// recording them in schema_migrations. Concurrent callers (two processes
// starting at once) are serialised by the store's write lock.
std::vector<AppliedMigration> apply_migrations(Database& db, const std::string& target,
                                               const std::vector<Migration>& migrations);

// Versions of `target` not yet applied.
std::vector<int> pending_migrations(Database& db, const std::string& target,
                                    const std::vector<Migration>& migrations);

}  // namespace hafnium::store
