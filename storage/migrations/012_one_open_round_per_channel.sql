-- A section may be open in two channels at once (two reading groups of one server on the same
-- pack, by hand or by two series); two moderators starting it in the same channel at once
-- still get one round. Before, the second channel's series paused at its first occurrence.
DROP INDEX rounds_one_open_per_section;
CREATE UNIQUE INDEX rounds_one_open_per_section
    ON rounds (guild_id, channel_id, pack_id, section_number) WHERE status = 'open';
