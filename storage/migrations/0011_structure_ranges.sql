-- A feature's private channels may fill several categories (Discord holds at most 50 channels in one), each
-- for an alphabetical range of names ("School teams A–L"). `first_key` is where a range starts, as
-- bot.category_plan.sort_key writes names; the first range starts at ''. One category = one range at ''.
CREATE TABLE structure_ranges (
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,              -- 'groups', 'schools'
    first_key   TEXT    NOT NULL,
    category_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, first_key)
);

INSERT INTO structure_ranges (guild_id, kind, first_key, category_id)
    SELECT guild_id, kind, '', category_id FROM structure_categories;

DROP TABLE structure_categories;

-- The category copbot last put each unit's channel in. A channel found in another one was moved there by
-- hand and is left where it is; one whose category was deleted is moved into the recreated category.
ALTER TABLE stakeholder_groups ADD COLUMN category_id INTEGER;
ALTER TABLE schools ADD COLUMN category_id INTEGER;

UPDATE stakeholder_groups SET category_id = (
    SELECT r.category_id FROM structure_ranges r WHERE r.guild_id = stakeholder_groups.guild_id AND r.kind = 'groups'
) WHERE channel_id IS NOT NULL;

UPDATE schools SET category_id = (
    SELECT r.category_id FROM structure_ranges r WHERE r.guild_id = schools.guild_id AND r.kind = 'schools'
) WHERE channel_id IS NOT NULL;
