import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    # Streamlit caches are process-wide and would leak between AppTest runs.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
