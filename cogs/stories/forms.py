"""The story form: what happened, which kind of value (in a teacher's words), and who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.client import CopBot
from bot.errors import ErrorReportingModal, UserError
from bot.ui import add_field, form_id
from core.stories.rules import CYCLE_WORDS, Refused
from core.stories.service import StoryService
from core.timeutil import discord_timestamp
from storage.stories import TEXT_LIMIT, Consent, Cycle, LinkKind, NewStory, Prompt

CONSENT_WORDS = {
    "private": "Only the organizers may read it",
    "shareable": "Organizers may share it with the community",
}
NAMED_WORDS = {"no": "Don't use my name", "yes": "You may use my name"}


@dataclass(frozen=True, slots=True)
class Link:
    kind: LinkKind
    id: int
    label: str


class StoryModal(ErrorReportingModal):
    def __init__(
        self,
        bot: CopBot,
        guild_id: int,
        *,
        title: str = "Tell a story",
        question: str = "What happened?",
        cycle: Cycle | None = None,
        prompt: Prompt | None = None,
        link: Link | None = None,
    ) -> None:
        super().__init__(title=title[:45], custom_id=form_id("story:form"), timeout=15 * 60)
        self.bot = bot
        self.guild_id = guild_id
        self.prompt = prompt
        self.link = link
        self.text: discord.ui.TextInput[StoryModal] = discord.ui.TextInput(
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=TEXT_LIMIT,
            placeholder="A sentence or two is plenty",
        )
        add_field(self, question[:45], self.text)
        self.cycle: discord.ui.Select[StoryModal] = discord.ui.Select(
            custom_id="cycle",
            options=[
                discord.SelectOption(label=words[:100], value=c.value, default=c is cycle)
                for c, words in CYCLE_WORDS.items()
            ],
        )
        add_field(self, "What kind of difference was it?", self.cycle)
        self.consent: discord.ui.Select[StoryModal] = discord.ui.Select(
            custom_id="consent",
            options=[
                discord.SelectOption(label=words, value=value, default=value == "private")
                for value, words in CONSENT_WORDS.items()
            ],
        )
        add_field(self, "Who may read it?", self.consent)
        self.named: discord.ui.Select[StoryModal] = discord.ui.Select(
            custom_id="named",
            options=[
                discord.SelectOption(label=words, value=value, default=value == "no")
                for value, words in NAMED_WORDS.items()
            ],
        )
        add_field(
            self, "If it is shared, may we name you?", self.named, description="Only if you chose to share it"
        )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        cycle_value = self.cycle.values[0] if self.cycle.values else None
        if cycle_value not in {c.value for c in Cycle}:
            raise UserError("Choose what kind of difference it made, then send your story again.")
        consent = Consent(self.consent.values[0]) if self.consent.values else Consent.PRIVATE
        named = bool(self.named.values) and self.named.values[0] == "yes"
        service = StoryService(self.bot.db, self.bot.scheduler, self.bot.clock)
        story = NewStory(
            guild_id=self.guild_id,
            author_id=interaction.user.id,
            cycle=Cycle(str(cycle_value)),
            text=self.text.value,
            consent=consent,
            named=named and consent is Consent.SHAREABLE,
            link_kind=self.link.kind if self.link else None,
            link_id=self.link.id if self.link else None,
        )
        try:
            told = await service.tell(story, prompt=self.prompt)
        except Refused as exc:
            raise UserError(str(exc)) from None
        who = (
            "the organizers may share it with the community"
            + (", with your name" if story.named else ", without your name")
            if consent is Consent.SHAREABLE
            else "only the organizers can read it"
        )
        lines = [f"Thank you! Your story #{told.story_id} is saved; {who}."]
        if self.link:
            lines.append(f"It is linked to {self.link.label}.")
        if told.followup_at:
            lines.append(
                f"We'll check in once more {discord_timestamp(told.followup_at, 'R')} to ask how it went."
                " Turn that off with `/story settings`."
            )
        lines.append("See or delete your stories with `/story mine`.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True)
