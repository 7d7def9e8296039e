#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "services/screening/domain/name_matcher.h"

namespace hafnium::services::screening {
namespace {

// Groups of given names that denote the same person in everyday use.
// Deliberately conservative: a false equivalence makes false positives for
// every list entry with that name.
const std::vector<std::vector<const char*>> kGroups = {
    {"william", "bill", "billy", "will", "willy", "wilhelm"},
    {"robert", "bob", "bobby", "rob", "robbie", "bert"},
    {"richard", "dick", "rick", "ricky", "rich"},
    {"james", "jim", "jimmy", "jamie"},
    {"john", "jack", "johnny", "jon"},
    {"jonathan", "jon", "jonny"},
    {"michael", "mike", "mick", "mickey", "mikhail"},
    {"thomas", "tom", "tommy"},
    {"theodore", "ted", "teddy", "theo"},
    {"edward", "ed", "eddie", "ted", "ned"},
    {"benjamin", "ben", "benny", "binyamin", "bibi"},
    {"joseph", "joe", "joey", "josef"},
    {"charles", "charlie", "chuck", "karl"},
    {"christopher", "chris", "kit"},
    {"daniel", "dan", "danny"},
    {"david", "dave", "davey"},
    {"alexander", "alex", "alexandr", "aleksandr", "aleksander", "sasha", "alek"},
    {"alexandra", "alex", "sasha", "aleksandra"},
    {"anthony", "tony", "antonio", "anton"},
    {"andrew", "andy", "drew", "andrey", "andrei"},
    {"nicholas", "nick", "nicky", "nikolai", "nikolay"},
    {"peter", "pete", "pyotr", "petr"},
    {"stephen", "steve", "steven", "stefan"},
    {"matthew", "matt", "matvey"},
    {"patrick", "pat", "paddy"},
    {"samuel", "sam", "sammy"},
    {"timothy", "tim", "timmy"},
    {"kenneth", "ken", "kenny"},
    {"ronald", "ron", "ronnie"},
    {"donald", "don", "donnie"},
    {"gerald", "gerry", "jerry"},
    {"lawrence", "larry", "laurence"},
    {"margaret", "maggie", "meg", "peggy", "marge"},
    {"elizabeth", "liz", "beth", "betty", "eliza", "lisa", "elisabeth"},
    {"katherine", "kate", "kathy", "katie", "catherine", "ekaterina", "yekaterina"},
    {"jennifer", "jen", "jenny"},
    {"susan", "sue", "susie"},
    {"deborah", "deb", "debbie"},
    {"rebecca", "becky", "becca"},
    {"vladimir", "volodymyr", "vova", "volodya"},
    {"dmitry", "dmitri", "dmitriy", "dima"},
    {"sergey", "sergei", "serhiy", "serge"},
    {"yevgeny", "evgeny", "evgeniy", "yevgeniy", "zhenya"},
    {"yuri", "yury", "yuriy", "iurii"},
    {"ivan", "vanya"},
    {"mohammed", "muhammad", "mohammad", "mohamed", "muhammed", "mohamad", "mohd", "muhamad"},
    {"ahmed", "ahmad"},
    {"yusuf", "yousef", "yusef", "youssef", "joseph"},
    {"ibrahim", "ebrahim", "abraham"},
};

const std::unordered_map<std::string, std::unordered_set<int>>& index() {
  static const auto* map = [] {
    if (kGroups.size() > 64) throw std::logic_error("nickname groups must fit a 64-bit set");
    auto* m = new std::unordered_map<std::string, std::unordered_set<int>>();
    for (int g = 0; g < static_cast<int>(kGroups.size()); ++g) {
      for (const char* name : kGroups[static_cast<size_t>(g)]) (*m)[name].insert(g);
    }
    return m;
  }();
  return *map;
}

}  // namespace

uint64_t nickname_groups(const std::string& name) {
  const auto& groups = index();
  auto it = groups.find(name);
  if (it == groups.end()) return 0;
  uint64_t mask = 0;
  // Each group is one bit (index() refuses more than 64 groups).
  for (int g : it->second) mask |= uint64_t{1} << g;
  return mask;
}

}  // namespace hafnium::services::screening
